package io.tunebook.model.safetensors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed and validated safetensors header: the free-form metadata and the tensors in file order. */
record Header(Map<String, String> metadata, List<TensorEntry> entries) {
    Header {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        entries = List.copyOf(entries);
    }
}

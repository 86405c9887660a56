package io.tunebook.data;

import java.nio.file.Path;

/**
 * What validation found in one file.
 *
 * @param format the format its rows were read in; {@code null} when none could be detected
 * @param forced whether the format was forced rather than detected
 * @param rows rows read (blank JSONL lines are not rows)
 * @param validRows rows without any issue
 */
public record FileSummary(Path file, DatasetFormat format, boolean forced, long rows, long validRows) {
    public long invalidRows() {
        return rows - validRows;
    }
}

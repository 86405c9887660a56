package io.tunebook.data;

import java.util.List;

/** A row read in a format: the example, or ({@code example} null) the issues that keep it out. */
record ParsedRow(Example example, List<Issue> issues) {
}

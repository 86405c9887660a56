package io.tunebook.data;

import com.google.gson.JsonElement;

/** One row of a file as read: its JSON value, or ({@code json} null) the issue that kept it from being parsed. */
record RawRow(Source source, JsonElement json, Issue issue) {
}

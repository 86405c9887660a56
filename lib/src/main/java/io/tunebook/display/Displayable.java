package io.tunebook.display;

/**
 * Something a notebook can show inline. The Jupyter kernel renders any value of this type from its
 * {@link #mimeBundle()}; a console prints {@link MimeBundle#text()}.
 */
public interface Displayable {
    MimeBundle mimeBundle();
}

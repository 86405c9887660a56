package io.tunebook.cli;

/** A wrong flag, value or path on the command line: reported on one line with exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}

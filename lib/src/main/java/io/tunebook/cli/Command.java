package io.tunebook.cli;

/** One {@code tunebook} subcommand. */
interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** The full {@code --help} text. */
    String help();

    /** Runs the command; returns the process exit code. */
    int run(String[] args) throws Exception;
}

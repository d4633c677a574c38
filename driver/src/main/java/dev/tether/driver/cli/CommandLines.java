package dev.tether.driver.cli;

import picocli.CommandLine;

/** Builds picocli command lines that fail the Tether way: one line naming the flag, exit code 2. */
public final class CommandLines {
    public static final int USAGE_ERROR = 2;

    private CommandLines() {
    }

    public static CommandLine create(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((error, args) -> {
            CommandLine failed = error.getCommandLine();
            failed.getErr().println(failed.getCommandName() + ": " + error.getMessage() + " (see --help)");
            return USAGE_ERROR;
        });
        return cli;
    }
}

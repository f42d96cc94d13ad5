package io.streamlate.schemas.cli;

import picocli.CommandLine;

/** One in-process run of {@link AlignmentsCommand} with its stdout and stderr captured. */
final class CommandRun {

    final AlignmentsCommand command = new AlignmentsCommand();
    final CapturedOutput out = new CapturedOutput();
    final CapturedOutput err = new CapturedOutput();

    /** @return the exit code */
    int execute(String... args) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(out.writer());
        commandLine.setErr(err.writer());
        return commandLine.execute(args);
    }
}

/**
 * The command line ({@code jobs/sweep}): {@link dev.infersweep.cli.Main} and one small picocli class
 * per subcommand, each delegating to a method that returns a value so tests call it without parsing.
 * The only package that knows option names and exit codes: 0 ok, 1 internal error, 2 bad usage or
 * configuration, 3 some runs failed, 4 compare found a regression, 5 reading or writing results
 * failed. Lower layers throw {@link dev.infersweep.error.SweepException}s with a kind, mapped here.
 */
package dev.infersweep.cli;

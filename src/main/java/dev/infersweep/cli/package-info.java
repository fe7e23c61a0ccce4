/**
 * The command line ({@code jobs/sweep}): {@link dev.infersweep.cli.Main} and one small picocli class
 * per subcommand, each delegating to a method that returns a value so tests call it without parsing.
 * Exit codes: 0 ok, 1 internal error, 2 bad usage or configuration, 3 some runs failed.
 */
package dev.infersweep.cli;

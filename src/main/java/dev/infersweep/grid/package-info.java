/**
 * The sweep definition on the driver: {@link dev.infersweep.grid.GridLoader} reads a YAML grid file
 * once, validating every key (the axes as {@link dev.infersweep.spec.Axes} declares them) into an
 * immutable {@link dev.infersweep.grid.GridConfig}, and {@link dev.infersweep.grid.GridExpander}
 * expands it into one {@link dev.infersweep.spec.RunSpec} per combination of the run-level axes.
 * Nothing downstream re-reads configuration.
 */
package dev.infersweep.grid;

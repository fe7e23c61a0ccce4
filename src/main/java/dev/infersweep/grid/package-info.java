/**
 * The sweep definition: reads a YAML grid file once on the driver, validates every key into typed,
 * immutable records ({@link dev.infersweep.grid.GridConfig}) and expands the grid into training runs
 * ({@link dev.infersweep.grid.GridExpander}). Nothing downstream re-reads configuration.
 */
package dev.infersweep.grid;

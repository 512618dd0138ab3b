/**
 * Command-line tools around the printer: firmware configure/build/flash and klippy.log
 * analysis. They share the wire protocol with the host through {@code escapement-protocol}.
 */
package org.escapement.tools;

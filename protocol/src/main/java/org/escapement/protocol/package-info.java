/**
 * Klipper's wire protocol, with no printer logic: {@link org.escapement.protocol.Vlq} integers,
 * the {@link org.escapement.protocol.Crc16} block checksum, {@link
 * org.escapement.protocol.Block} framing and the streaming {@link
 * org.escapement.protocol.BlockDecoder}, the {@link org.escapement.protocol.Dictionary} an MCU
 * describes itself with, and the {@link org.escapement.protocol.MessageFormat}s that encode,
 * decode and print commands and responses.
 */
package org.escapement.protocol;

package org.escapement.protocol;

/** A payload names a message id the dictionary does not have. */
public final class UnknownMessageException extends ProtocolException {
  private final int messageId;

  public UnknownMessageException(int messageId, long offset) {
    super("unknown message id " + messageId, offset);
    this.messageId = messageId;
  }

  public int messageId() {
    return messageId;
  }
}

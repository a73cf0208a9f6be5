const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text when it is printable UTF-8 (tabs and line breaks allowed),
 * else null: such a body is shown and exported as binary.
 */
export function bodyText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return null;
  }
  // Control characters other than \t \n \r mean binary (gzip, protobuf, images…).
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? null : text;
}

export interface ServerEvent {
  event: string;
  data: unknown;
}

/**
 * The complete Server-Sent Events blocks at the start of `text`, as the inspector
 * sends them (`event: <name>` and one `data: <json>` line, a blank line after),
 * and what is left over, which waits for the next chunk.
 */
export function takeEvents(text: string): { events: ServerEvent[]; rest: string } {
  const events: ServerEvent[] = [];
  let rest = text;
  let end = rest.indexOf('\n\n');
  while (end >= 0) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (event && data) events.push({ event, data: JSON.parse(data) });
    end = rest.indexOf('\n\n');
  }
  return { events, rest };
}

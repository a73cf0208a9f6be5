import type { Adapter } from 'lowdb';
import { TextFile } from 'lowdb/node';

/**
 * lowdb adapter: one-line JSON (the stock `JSONFile` indents, which bloats a store
 * of base64 bodies by a third) written atomically by steno (temp file + rename).
 * It reports how long the last stringify took so the store can space its writes:
 * stringify runs on the event loop, which is also the forwarding path.
 */
export class CompactJsonFile<T> implements Adapter<T> {
  readonly #file: TextFile;
  /** Wall time of the last stringify, ms. */
  lastStringifyMs = 0;

  constructor(path: string) {
    this.#file = new TextFile(path);
  }

  /** `null` when the file does not exist; throws on unreadable or unparsable content. */
  async read(): Promise<T | null> {
    const text = await this.#file.read();
    return text === null ? null : (JSON.parse(text) as T);
  }

  write(data: T): Promise<void> {
    const started = performance.now();
    const text = JSON.stringify(data);
    this.lastStringifyMs = performance.now() - started;
    return this.#file.write(text);
  }
}

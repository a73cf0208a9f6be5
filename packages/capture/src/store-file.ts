import { chmod } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { TextFile } from 'lowdb/node';
import type { CaptureRecord, StoreData } from './types.js';

/**
 * lowdb adapter for the capture store: one-line JSON written atomically by steno
 * (temp file + rename). Records never change once stored, so each is serialised
 * once and its JSON kept: a write joins cached strings instead of stringifying
 * the whole history again (writes run on the event loop, which also forwards).
 * The stock `JSONFile` also indents, which bloats base64 bodies by a third.
 */
export class StoreFile implements Adapter<StoreData> {
  readonly #file: TextFile;
  readonly #path: string;
  readonly #json = new WeakMap<CaptureRecord, string>();
  /** Wall time of the last serialisation, ms. */
  lastStringifyMs = 0;
  /** Length of the last file written. */
  lastLength = 0;

  constructor(path: string) {
    this.#path = path;
    this.#file = new TextFile(path);
  }

  /** `null` when the file does not exist; throws on unreadable or unparsable content. */
  async read(): Promise<StoreData | null> {
    const text = await this.#file.read();
    return text === null ? null : (JSON.parse(text) as StoreData);
  }

  write(data: StoreData): Promise<void> {
    const started = performance.now();
    const parts: string[] = [];
    for (const record of data.captures) {
      let json = this.#json.get(record);
      if (json === undefined) {
        json = JSON.stringify(record);
        this.#json.set(record, json);
      }
      parts.push(json);
    }
    const text = `{"version":${data.version},"nextId":${data.nextId},"captures":[${parts.join(',')}]}`;
    this.lastStringifyMs = performance.now() - started;
    this.lastLength = text.length;
    // steno's temp file gets the umask's mode (0644): captures hold request bodies and headers.
    return this.#file.write(text).then(() => chmod(this.#path, 0o600));
  }
}

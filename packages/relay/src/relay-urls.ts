import type { ResolvedRelayOptions } from './options.js';

/** The relay's base URL (known once it listens, unless `publicUrl` gives it) and each tunnel's URLs. */
export class RelayUrls {
  readonly #domain: string | undefined;
  readonly #public: boolean;
  #base: string;

  constructor(options: Pick<ResolvedRelayOptions, 'domain' | 'publicUrl'>) {
    this.#domain = options.domain;
    this.#public = options.publicUrl !== undefined;
    this.#base = options.publicUrl ?? '';
  }

  /** Empty until the relay listens (or `publicUrl` is set). */
  get base(): string {
    return this.#base;
  }

  /** The relay listens on `host:port`: without a `publicUrl`, that is its base URL. */
  listening(host: string, port: number): void {
    if (this.#public) return;
    const shown = this.#domain ?? (host === '0.0.0.0' || host === '::' ? 'localhost' : host);
    this.#base = `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
  }

  /** Public URLs of tunnel `name`, preferred first. */
  urlsFor(name: string): string[] {
    const base = new URL(this.#base);
    const urls = [`${this.#base}/t/${name}`];
    if (this.#domain) urls.unshift(`${base.protocol}//${name}.${this.#domain}${base.port ? `:${base.port}` : ''}`);
    return urls;
  }
}

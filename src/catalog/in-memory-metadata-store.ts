import { EMPTY_CATALOG, type CatalogData, type CatalogSnapshot, type CatalogUpdate, type MetadataStore } from "./metadata-store.js";

/**
 * A {@link MetadataStore} in process memory: for tests and throw-away sessions.
 *
 * @example
 * ```ts
 * const store = new InMemoryMetadataStore();
 * await store.update((d) => ({ data: d, result: undefined }));
 * ```
 */
export class InMemoryMetadataStore implements MetadataStore {
  private current: CatalogSnapshot = { version: -1, data: EMPTY_CATALOG };

  read(): CatalogSnapshot {
    return this.current;
  }

  async update<T>(mutate: (current: CatalogData) => CatalogUpdate<T>): Promise<T> {
    const { data, result } = mutate(this.current.data);
    // A JSON round trip gives the same isolation as the file store: callers cannot mutate stored state.
    if (data !== this.current.data) this.current = { version: this.current.version + 1, data: deepFreeze(JSON.parse(JSON.stringify(data)) as CatalogData) };
    return result;
  }
}

/** Freeze a JSON value recursively. @example `deepFreeze(JSON.parse(text))` */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

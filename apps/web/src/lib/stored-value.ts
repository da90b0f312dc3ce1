/**
 * A string kept in localStorage that components can subscribe to (useSyncExternalStore).
 * Changes made in another tab arrive through the `storage` event, so logging out in one tab
 * logs out the others too.
 */
export interface StoredValue {
  get(): string | null;
  set(value: string | null): void;
  subscribe(listener: () => void): () => void;
}

/** Reads and writes never throw: storage can be disabled (private mode, strict policies). */
function safeStorage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** Creates a subscribable localStorage entry under `key`. */
export function createStoredValue(key: string): StoredValue {
  const listeners = new Set<() => void>();
  let memory: string | null = null;

  const notify = () => {
    for (const listener of listeners) listener();
  };

  return {
    get() {
      const storage = safeStorage();
      if (!storage) return memory;
      try {
        return storage.getItem(key);
      } catch {
        return memory;
      }
    },
    set(value) {
      memory = value;
      const storage = safeStorage();
      try {
        if (value === null) storage?.removeItem(key);
        else storage?.setItem(key, value);
      } catch {
        // Storage full or blocked: keep the value in memory for this tab.
      }
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      const onStorage = (event: StorageEvent) => {
        if (event.key === key || event.key === null) listener();
      };
      window.addEventListener("storage", onStorage);
      return () => {
        listeners.delete(listener);
        window.removeEventListener("storage", onStorage);
      };
    },
  };
}

/**
 * Prototype-safe access for objects keyed by names read from records, rules or configuration. An
 * object literal answers `constructor`, `__proto__`, `toString` and the rest of Object.prototype's
 * members, and plain assignment of `__proto__` changes the prototype (the value is lost, or the object
 * re-parented): a record naming its fields so must get exactly those fields, nothing more or less.
 */

type Rec = Record<string, unknown>;

/** Set an own property, even for `__proto__`. */
export function putOwn(target: Rec, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * `from`'s own keys into `into`, in order, as own keys (`__proto__` too); returns `into`. With `pick`,
 * each value is what it returns, and undefined leaves the key out. Keys, not entries: an object a
 * decoder built key by key is a dictionary, and Object.entries of one is slow (a fifth of the
 * FortiGate mapper's time).
 */
export function copyOwn(into: Rec, from: Readonly<Rec>, pick?: (value: unknown, key: string) => unknown): Rec {
  const keys = Object.keys(from);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (pick === undefined) {
      putOwn(into, k, from[k]);
    } else {
      const v = pick(from[k], k);
      if (v !== undefined) putOwn(into, k, v);
    }
  }
  return into;
}

/** The own property `key` of `o`, or undefined: never an inherited member. */
export function ownValue<T>(o: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** A constant table to look values up in: no prototype, so only its own keys are found; frozen. */
export function lookupTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

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

/** The own property `key` of `o`, or undefined: never an inherited member. */
export function ownValue<T>(o: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** A constant table to look values up in: no prototype, so only its own keys are found; frozen. */
export function lookupTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

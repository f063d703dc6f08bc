/**
 * Own-property access for objects keyed by names read from records. Plain assignment of `__proto__`
 * changes the prototype (the value is lost, or the object re-parented), and a plain read of
 * `constructor` or `toString` finds Object.prototype's members: a record naming its fields so must
 * get exactly those fields, nothing more and nothing less.
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

/**
 * A constant table looked up by values read from records, rules or configuration. An object literal
 * answers `constructor`, `__proto__`, `toString` and the rest of Object.prototype's members: a log
 * record whose severity is "__proto__" would put Object.prototype into an event. The table has no
 * prototype, so only its own keys are found. Frozen, as the tables are constants.
 */
export function lookupTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/**
 * Partial updates (PUT with only some fields): the fields present replace the current ones;
 * nested settings objects merge one level, so `{"notification_config": {"cooldown_minutes": 5}}`
 * keeps the recipients; `null` inside them removes a setting. Server-owned fields sent back
 * from a GET (`id`, `created_at`, ...) are ignored, so a read-modify-write round-trip works.
 */
export function mergePatch(
  current: Record<string, unknown>,
  patch: unknown,
  options: { nested: readonly string[]; readOnly: readonly string[]; replaceWhenChanged?: Record<string, string> },
): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const merged: Record<string, unknown> = { ...current };
  for (const field of options.readOnly) delete merged[field];
  for (const [field, value] of Object.entries(patch)) {
    if (options.readOnly.includes(field)) continue;
    const before = merged[field];
    if (options.nested.includes(field) && isPlainObject(value) && isPlainObject(before)) {
      merged[field] = Object.fromEntries(
        Object.entries({ ...before, ...value }).filter(([, nestedValue]) => nestedValue !== null),
      );
    } else {
      // An own property even for `__proto__`, so strict validation names it instead of it vanishing.
      Object.defineProperty(merged, field, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  // A nested object that only makes sense with another field (a log source's `config` with its
  // `mode`) starts afresh when that field changes.
  for (const [nested, owner] of Object.entries(options.replaceWhenChanged ?? {})) {
    const patchObject = patch as Record<string, unknown>;
    if (owner in patchObject && patchObject[owner] !== current[owner]) merged[nested] = patchObject[nested] ?? {};
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

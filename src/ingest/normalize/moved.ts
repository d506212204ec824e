/**
 * Vendor keys a normalizer never leaves under their own name in the vendor's
 * flattened object, with the field that carries them instead. Declared by each
 * normalizer beside the code that moves them (so the two cannot drift), read
 * by `sift rules lint` to warn on a rule that names the vendor's key where
 * Sift never puts it.
 */
import { movedParameters } from './vendors/google-workspace/moved.js';
import { MOVED_TARGET_KEYS } from './vendors/okta/target.js';

export interface MovedKey {
  /** Where a rule author might look: the flattened field, a dot, the vendor's key. A trailing `*` (after a prefix) stands for any rest. */
  readonly path: string;
  /** The field that carries it (`*` is the rest of `path`'s). */
  readonly to: string;
}

let cache: readonly MovedKey[] | undefined;

export function movedVendorKeys(): readonly MovedKey[] {
  cache ??= [...movedParameters(), ...MOVED_TARGET_KEYS];
  return cache;
}

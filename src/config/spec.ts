/**
 * A tiny declarative spec language. One spec value gives three things:
 * the TypeScript type (via `Infer`), validation at start (`validate`) and the
 * generated reference (`docs.ts`). Keeping all three on one object is what
 * stops them drifting apart.
 */

interface Common {
  description: string;
  /** Environment variable that overrides this field (documented in the reference). */
  env?: string;
  /**
   * Secrets are never printed: not by `sift config check`, in errors, logs
   * or the docs' defaults (redact.ts walks the spec for these flags).
   * `true`: the whole value. `'url'`: a URL whose userinfo, query, fragment
   * and token-like path segments are secret; scheme, host and port show.
   * `'header'`: `Name: value` items whose values are secret.
   */
  secret?: boolean | 'url' | 'header';
  /** The value names an environment variable whose content is a secret (`url_env`): the name shows, the content never. */
  secretEnv?: boolean;
}

export interface StringSpec extends Common {
  kind: 'string';
  default?: string;
  optional?: boolean;
  pattern?: RegExp;
  patternHint?: string;
}
export interface IntSpec extends Common {
  kind: 'int';
  default: number;
  min?: number;
  max?: number;
}
export interface BoolSpec extends Common {
  kind: 'bool';
  default: boolean;
}
export interface EnumSpec<V extends string = string> extends Common {
  kind: 'enum';
  values: readonly V[];
  default: V;
}
export interface StringListSpec extends Common {
  kind: 'string_list';
  default: readonly string[];
  minItems?: number;
  pattern?: RegExp;
  patternHint?: string;
}
export interface ListSpec<I extends ObjectSpec = ObjectSpec> extends Common {
  kind: 'list';
  item: I;
  default: readonly unknown[];
  minItems?: number;
}
export interface ObjectSpec<F extends Record<string, FieldSpec> = Record<string, FieldSpec>> {
  kind: 'object';
  description: string;
  fields: F;
}

export type FieldSpec = StringSpec | IntSpec | BoolSpec | EnumSpec | StringListSpec | ListSpec | ObjectSpec;

export type Infer<S> = S extends ObjectSpec<infer F>
  ? { readonly [K in keyof F]: Infer<F[K]> }
  : S extends ListSpec<infer I>
    ? readonly Infer<I>[]
    : S extends StringListSpec
      ? readonly string[]
      : S extends EnumSpec<infer V>
        ? V
        : S extends BoolSpec
          ? boolean
          : S extends IntSpec
            ? number
            : S extends StringSpec
              ? S extends { optional: true }
                ? string | undefined
                : string
              : never;

export const spec = {
  string: <O extends Omit<StringSpec, 'kind'>>(o: O): O & { kind: 'string' } => ({ ...o, kind: 'string' }),
  int: (o: Omit<IntSpec, 'kind'>): IntSpec => ({ ...o, kind: 'int' }),
  bool: (o: Omit<BoolSpec, 'kind'>): BoolSpec => ({ ...o, kind: 'bool' }),
  enum: <const V extends string>(o: Common & { values: readonly V[]; default: NoInfer<V> }): EnumSpec<V> => ({ ...o, kind: 'enum' }),
  stringList: (o: Omit<StringListSpec, 'kind'>): StringListSpec => ({ ...o, kind: 'string_list' }),
  list: <I extends ObjectSpec>(o: Omit<ListSpec<I>, 'kind'>): ListSpec<I> => ({ ...o, kind: 'list' }),
  object: <F extends Record<string, FieldSpec>>(description: string, fields: F): ObjectSpec<F> => ({
    kind: 'object',
    description,
    fields,
  }),
};

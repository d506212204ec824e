/**
 * YAML 1.1 as PyYAML's safe loader reads it, which is how SigmaHQ's own
 * tooling (pySigma) reads rules: `yes`/`no`/`on`/`off` are booleans, but
 * `y` and `n` are strings (PyYAML leaves them out of the 1.1 bool set, the
 * `yaml` package keeps them).
 */
import { parseAllDocuments, type Document, type Tags } from 'yaml';

const PYYAML_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PYYAML_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

function pyyamlBools(tags: Tags): Tags {
  return tags.map((t) => {
    if (typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:bool' || !('test' in t) || t.test === undefined) return t;
    return { ...t, test: t.identify?.(true) === true ? PYYAML_TRUE : PYYAML_FALSE };
  });
}

export function parseSigmaYaml(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, { version: '1.1', customTags: pyyamlBools });
  return Array.isArray(docs) ? docs : [];
}

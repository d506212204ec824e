import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderFieldsReference, renderFieldTypesModule } from '../ecs/codegen.js';
import { packageRoot } from '../shared/index.js';
import { UsageError } from './args.js';

export const ECS_HELP = `Usage: sift ecs generate

Regenerates, from the ECS catalog (src/ecs/catalog.ts + src/ecs/namespaces/):
  src/ecs/generated/field-types.ts   TypeScript names and value types of every field
  docs/ecs-fields.md                 the field reference
A unit test fails when either is out of date.`;

export const GENERATED_FILES = {
  'src/ecs/generated/field-types.ts': renderFieldTypesModule,
  'docs/ecs-fields.md': renderFieldsReference,
} as const;

export async function ecsCommand(argv: readonly string[]): Promise<number> {
  const [action] = argv;
  if (action === undefined || action === '-h' || action === '--help') {
    console.log(ECS_HELP);
    return action === undefined ? 2 : 0;
  }
  if (action !== 'generate') throw new UsageError(`sift ecs: unknown action ${JSON.stringify(action)} (use generate)`);
  for (const [file, render] of Object.entries(GENERATED_FILES)) {
    const path = join(packageRoot(), file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, render());
    console.log(`wrote ${file}`);
  }
  return 0;
}

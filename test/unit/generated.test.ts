import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES } from '../../src/cli/ecs-cmd.js';

describe('generated files', () => {
  it.each(Object.entries(GENERATED_FILES))('%s is up to date with the ECS catalog (run `sift ecs generate`)', (file, render) => {
    expect(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')).toBe(render());
  });
});

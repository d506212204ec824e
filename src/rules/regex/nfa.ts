// Thompson construction: Node → a flat instruction array (the "program").
//
//   Char x      consume one code point in sets[x], go to pc+1
//   Split x y   epsilon to both x and y
//   Jmp x       epsilon to x
//   Assert x    epsilon to pc+1 if assertion x holds between the previous and next code point
//   Match       accept
//
// Counted repetition is expanded (x{2,4} = x x (x (x)?)?), so the program size is
// computed first and refused above Limits.maxNfaStates before anything is allocated.

import { Assert, Limits, RegexSyntaxError, type Node } from './ast.js';
import { ANY, type CharSet } from './charset.js';

export const Op = { Char: 0, Split: 1, Jmp: 2, Assert: 3, Match: 4 } as const;
export type Op = (typeof Op)[keyof typeof Op];

export interface Program {
  readonly op: Uint8Array;
  readonly x: Int32Array;
  readonly y: Int32Array;
  /** Distinct sets referenced by Char instructions (deduplicated). */
  readonly sets: readonly CharSet[];
  readonly start: number;
  /** True when every match must start at offset 0: the search can stop once no thread is alive. */
  readonly anchored: boolean;
}

/** Instruction count of node's code; the error names the innermost repetition that overflows. */
function sizeOf(node: Node): number {
  switch (node.kind) {
    case 'empty':
      return 0;
    case 'lit':
    case 'set':
    case 'assert':
      return 1;
    case 'cat':
      return node.items.reduce((n, item) => n + sizeOf(item), 0);
    case 'alt':
      return node.items.reduce((n, item) => n + sizeOf(item), 0) + 2 * (node.items.length - 1);
    case 'rep': {
      const b = sizeOf(node.body);
      const n =
        node.max === -1 ? (node.min === 0 ? b + 2 : node.min * b + 1) : node.min * b + (node.max - node.min) * (b + 1);
      if (n > Limits.maxNfaStates) {
        throw new RegexSyntaxError(node.pos, `repetition expands to ${n} NFA states (limit ${Limits.maxNfaStates})`);
      }
      return n;
    }
  }
}

function anchoredAtStart(node: Node): boolean {
  switch (node.kind) {
    case 'assert':
      return node.assert === Assert.BeginText;
    case 'cat':
      return node.items.length > 0 && anchoredAtStart(node.items[0] ?? { kind: 'empty' });
    case 'alt':
      return node.items.every(anchoredAtStart);
    case 'rep':
      return node.min > 0 && anchoredAtStart(node.body);
    default:
      return false;
  }
}

interface Builder {
  op: number[];
  x: number[];
  y: number[];
  sets: CharSet[];
  setIndex: Map<string, number>;
}

function emit(b: Builder, op: Op, x = 0, y = 0): number {
  b.op.push(op);
  b.x.push(x);
  b.y.push(y);
  return b.op.length - 1;
}

function emitChar(b: Builder, set: CharSet): void {
  const key = set.join(',');
  let idx = b.setIndex.get(key);
  if (idx === undefined) {
    idx = b.sets.push(set) - 1;
    b.setIndex.set(key, idx);
  }
  emit(b, Op.Char, idx);
}

function compileNode(b: Builder, node: Node): void {
  switch (node.kind) {
    case 'empty':
      return;
    case 'lit':
    case 'set':
      return emitChar(b, node.set);
    case 'assert':
      emit(b, Op.Assert, node.assert);
      return;
    case 'cat':
      for (const item of node.items) compileNode(b, item);
      return;
    case 'alt': {
      const jumps: number[] = [];
      node.items.forEach((item, i) => {
        if (i === node.items.length - 1) return compileNode(b, item);
        const split = emit(b, Op.Split, b.op.length + 1);
        compileNode(b, item);
        jumps.push(emit(b, Op.Jmp));
        b.y[split] = b.op.length;
      });
      for (const j of jumps) b.x[j] = b.op.length;
      return;
    }
    case 'rep':
      return compileRep(b, node.body, node.min, node.max);
  }
}

function compileRep(b: Builder, body: Node, min: number, max: number): void {
  if (max === -1 && min === 0) {
    const split = emit(b, Op.Split, b.op.length + 1);
    compileNode(b, body);
    emit(b, Op.Jmp, split);
    b.y[split] = b.op.length;
    return;
  }
  const mandatory = max === -1 ? min - 1 : min;
  for (let i = 0; i < mandatory; i++) compileNode(b, body);
  if (max === -1) {
    const loop = b.op.length; // x+ : body, then Split back to it
    compileNode(b, body);
    emit(b, Op.Split, loop, b.op.length + 1);
    return;
  }
  const exits: number[] = [];
  for (let i = min; i < max; i++) {
    exits.push(emit(b, Op.Split, b.op.length + 1));
    compileNode(b, body);
  }
  for (const s of exits) b.y[s] = b.op.length;
}

export function compileProgram(node: Node): Program {
  const size = sizeOf(node) + 4;
  if (size > Limits.maxNfaStates) {
    throw new RegexSyntaxError(0, `pattern compiles to ${size} NFA states (limit ${Limits.maxNfaStates})`);
  }
  const b: Builder = { op: [], x: [], y: [], sets: [], setIndex: new Map() };
  const anchored = anchoredAtStart(node);
  if (!anchored) {
    // Unanchored search = an implicit leading .*? : a loop that may consume any code point.
    const split = emit(b, Op.Split, 1, 3);
    emitChar(b, ANY);
    emit(b, Op.Jmp, split);
  }
  compileNode(b, node);
  emit(b, Op.Match);
  return {
    op: Uint8Array.from(b.op),
    x: Int32Array.from(b.x),
    y: Int32Array.from(b.y),
    sets: b.sets,
    start: 0,
    anchored,
  };
}

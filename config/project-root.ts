import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The project root: the nearest directory at or above `startDir` holding a package.json. Works
 * from the TypeScript sources and from the compiled dist/ alike. Node built-ins only, so the
 * compiled scripts work where dev dependencies are pruned.
 */
export function findProjectRoot(startDir: string): string {
  let dir = path.resolve(startDir);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json found at or above ${startDir}`);
    dir = parent;
  }
}

import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * The heap in use after full garbage collections, in bytes: what the fuzz suites compare before and after a run
 * (Strapi runs in the test process, so this is its heap). `--expose-gc` is switched on at run time so jest needs
 * no flag; two collections let weak references and finalizers settle.
 */
export function heapUsedAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export const MB = 1024 * 1024;

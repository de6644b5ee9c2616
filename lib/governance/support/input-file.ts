import { isAscii } from 'buffer';
import * as fs from 'fs';
import { getHeapStatistics } from 'v8';
import { InputError, parseStrictJson } from '../normalize/strict-json';

/**
 * Largest input file read: a parsed JSON document takes several times its size in memory, and past the
 * heap limit Node aborts instead of throwing. An eighth of the heap limit (512 MiB at most, the longest
 * string V8 can hold) leaves room for the model and the report.
 */
export function maxInputBytes(): number {
  return Math.min(512 * 1024 * 1024, Math.floor(getHeapStatistics().heap_size_limit / 8));
}

/**
 * Read and parse a JSON input file. Only regular files are read (a FIFO would block and a device never
 * ends); errors are one line naming the file, never quoting it.
 */
export function readJsonFile(file: string): unknown {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before the check below.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${code ?? 'read error'}`);
  }
  let text: string;
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new InputError(`${file} is not a regular file (a FIFO, device or socket); write the JSON to a file first`);
    const limit = maxInputBytes();
    if (stat.size > limit) {
      throw new InputError(`${file} is ${mib(stat.size)} MiB, more than the ${mib(limit)} MiB this process can review; ` +
        'review the stacks of a cdktf.out folder one by one, or raise the heap with NODE_OPTIONS=--max-old-space-size');
    }
    const buffer = fs.readFileSync(fd);
    // Plans and cdk.tf.json are mostly ASCII: then a Latin-1 copy is the same text, without the cost of decoding UTF-8.
    text = isAscii(buffer) ? buffer.toString('latin1') : buffer.toString('utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'read error'}`);
  } finally {
    fs.closeSync(fd);
  }
  return parseStrictJson(text, file);
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(0);
}

import { invalidInput } from '../core/errors.js';

/**
 * Split the `run` input into argv the way a POSIX shell would split words, without any of
 * a shell's expansions: quotes and backslashes group, nothing else is special. A newline outside
 * quotes ends a command in a shell: here it would silently join two commands into one, so it is
 * refused, unless only whitespace follows (a YAML `run: |` block) or a backslash continues the line.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      // Backslash-newline (or CRLF) is a line continuation: it joins lines and starts no word by itself.
      if (line.startsWith('\r\n', i + 1)) i++;
      else if (line[i + 1] !== '\n') {
        word += line[i + 1];
        inWord = true;
      }
      i++;
    } else if (c === '\n' && line.slice(i).trim()) {
      throw invalidInput(
        '`run` holds more than one line: give one command per step (end a line with a backslash to continue it), or put the commands in a script and run that.',
      );
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote)
    throw invalidInput(
      '`run` has an unclosed quote: close it, or wrap the command in bash -c if you need a shell.',
    );
  if (inWord) words.push(word);
  return words;
}

import { invalidInput } from '../core/errors.js';

/**
 * Split the `run` input into argv the way a POSIX shell would split words, without any of
 * a shell's expansions: quotes and backslashes group, nothing else is special.
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
      // Backslash-newline is a line continuation: it joins lines and starts no word by itself.
      if (line[i + 1] !== '\n') {
        word += line[i + 1];
        inWord = true;
      }
      i++;
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

/**
 * The failed tests a tier's output names, one line each ("title › title: first line of the error"), so the
 * closing summary says what broke even when only the tail of a long CI log is kept. Reads mocha's spec
 * failure list ("  1) Suite\n       test:\n     Error: …") and the security runner's "  FAIL title" lines.
 */
export function failureLines(text) {
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const found = [];
  let inFailureList = false;
  for (let i = 0; i < lines.length; i += 1) {
    if (/^\s*\d+ failing/.test(lines[i])) inFailureList = true;
    const head = inFailureList ? /^ {2}(\d+)\) (.+)$/.exec(lines[i]) : null;
    if (head !== null) {
      const title = [head[2].trim()];
      let j = i + 1;
      while (j < lines.length && !title[title.length - 1].endsWith(':') && /^ {5,}\S/.test(lines[j])) title.push(lines[j++].trim());
      const error = lines.slice(j).find((line) => line.trim() !== '')?.trim() ?? '';
      found.push(`${title.join(' › ').replace(/:$/, '')}: ${error}`);
      continue;
    }
    const fail = /^ {2}FAIL (.+)$/.exec(lines[i]);
    if (fail !== null && !/\d+ passed/.test(fail[1])) found.push(`${fail[1].trim()}: ${lines[i + 1]?.trim() ?? ''}`);
  }
  return [...new Set(found)];
}

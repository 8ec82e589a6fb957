import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, csvRow } from './csv.js';

test('a cell a spreadsheet would evaluate gets a leading quote (OWASP CSV injection)', () => {
  assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(csvCell('@SUM(1+1)'), "'@SUM(1+1)");
  assert.equal(csvCell('+cmd'), "'+cmd");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('\tx'), "'\tx");
  assert.equal(csvCell('\r=1'), `"'\r=1"`);
});

test('plain numbers and ordinary text stay as they are', () => {
  assert.equal(csvCell('-3'), '-3');
  assert.equal(csvCell('+1.5e3'), '+1.5e3');
  assert.equal(csvCell('DeleteTable'), 'DeleteTable');
  assert.equal(csvCell('a=b'), 'a=b');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvRow(['x', '=1']), "x,'=1\n");
});

import { describe, expect, test } from 'vitest';
import { storedFileName } from './documents.js';

describe('stored file names (issue 11, defect 10)', () => {
  test.each([
    ['invoice.pdf.hta', 'pdf', 'invoice.pdf'],
    ['report\u202Efdp.hta', 'pdf', 'reportfdp.pdf'],
    ['\u200B\u0000\u202E', 'pdf', 'document.pdf'],
    ['', 'docx', 'document.docx'],
    ['Заявление', 'pdf', 'Заявление.pdf'],
    ['Протокол 12.05.2026', 'pdf', 'Протокол 12.05.2026.pdf'],
    ['scan.PDF', 'pdf', 'scan.pdf'],
    ['IMG_0001.JPEG', 'jpeg', 'IMG_0001.jpg'],
    ['снимка.png', 'png', 'снимка.jpg'],
    ['../../etc/passwd', 'pdf', '_.._etc_passwd.pdf'],
    ['x.pdf. . ', 'pdf', 'x.pdf'],
    ['бележка\r\n.odt', 'odt', 'бележка.odt'],
    ['таблица.xls.exe', 'xlsx', 'таблица.xls.xlsx'],
  ] as const)('%j as %s → %j', (name, type, stored) => {
    expect(storedFileName(name, type)).toBe(stored);
  });

  test('no control or format character survives, and the name stays short', () => {
    const name = storedFileName(`a${'\u0001\u007F\u0085\u00AD\u061C\u200E\u2066\uFEFF'.repeat(10)}${'я'.repeat(500)}.pdf`, 'pdf');
    expect(name).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(name.length).toBeLessThanOrEqual(105);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

// The styles and list numbering of every Word document docpack writes, and how a reference
// document's styles (--reference-doc) are matched to ours by name.
import { AlignmentType, BorderStyle, Document, LevelFormat, type IParagraphStyleOptions } from 'docx';
import { FONTS, TABLE_FONT_SIZE } from './layout.ts';
import { BULLET_REFERENCE, ORDERED_REFERENCE } from './markdown.ts';

const LANGUAGE = { value: 'en-US', eastAsia: 'zh-CN' } as const;

/** Our paragraph styles beyond Word's built-in ones; the reference document may redefine any of them. */
function customParagraphStyles(): IParagraphStyleOptions[] {
  const center = { alignment: AlignmentType.CENTER, indent: { firstLine: 0 } };
  return [
    { id: 'Center', name: 'Centered', basedOn: 'Normal', quickFormat: true, paragraph: center },
    { id: 'Right', name: 'Right', basedOn: 'Normal', quickFormat: true, paragraph: { alignment: AlignmentType.RIGHT, indent: { firstLine: 0 } } },
    { id: 'NoIndent', name: 'No Indent', basedOn: 'Normal', quickFormat: true, paragraph: { indent: { firstLine: 0 } } },
    {
      id: 'Note',
      name: 'Note',
      basedOn: 'Normal',
      quickFormat: true,
      run: { size: 21, color: '404040' },
      paragraph: { indent: { left: 420, firstLine: 0 }, border: { left: { style: BorderStyle.SINGLE, size: 12, color: 'A6A6A6', space: 8 } } },
    },
    {
      id: 'CoverTitle',
      name: 'Cover Title',
      basedOn: 'Title',
      next: 'Normal',
      quickFormat: true,
      paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 3600, after: 360 }, indent: { firstLine: 0 } },
    },
    {
      id: 'CoverInfo',
      name: 'Cover Info',
      basedOn: 'Normal',
      quickFormat: true,
      run: { size: 28, font: FONTS.heading },
      paragraph: { ...center, spacing: { before: 120, after: 120, line: 360 } },
    },
    {
      id: 'Signature',
      name: 'Signature',
      basedOn: 'Normal',
      quickFormat: true,
      paragraph: { indent: { firstLine: 0 }, spacing: { before: 360, after: 120 } },
    },
    {
      id: 'TableText',
      name: 'Table Text',
      basedOn: 'Normal',
      quickFormat: true,
      run: { size: TABLE_FONT_SIZE },
      paragraph: { indent: { firstLine: 0 }, spacing: { before: 0, after: 0, line: 276 } },
    },
    {
      id: 'TableHeading',
      name: 'Table Heading',
      basedOn: 'TableText',
      quickFormat: true,
      run: { size: TABLE_FONT_SIZE, bold: true, font: FONTS.heading },
      paragraph: { alignment: AlignmentType.CENTER, keepNext: true },
    },
    { id: 'TableGap', name: 'Table Gap', basedOn: 'Normal', paragraph: { indent: { firstLine: 0 }, spacing: { before: 0, after: 0, line: 240 } }, run: { size: 12 } },
    { id: 'Header', name: 'header', basedOn: 'Normal', run: { size: 18, color: '404040' }, paragraph: { indent: { firstLine: 0 }, spacing: { before: 0, after: 0, line: 240 } } },
    { id: 'Footer', name: 'footer', basedOn: 'Normal', run: { size: 18 }, paragraph: { alignment: AlignmentType.CENTER, indent: { firstLine: 0 }, spacing: { before: 0, after: 0, line: 240 } } },
  ];
}

function headingStyle(size: number, before: number, after: number): NonNullable<NonNullable<ConstructorParameters<typeof Document>[0]['styles']>['default']>['heading1'] {
  return {
    run: { size, bold: true, color: '000000', font: FONTS.heading },
    paragraph: { spacing: { before, after, line: 360 }, indent: { firstLine: 0 }, keepNext: true, keepLines: true },
  };
}

/** Style ids a styles.xml defines. */
function definedStyleIds(stylesXml: string): Set<string> {
  return new Set([...stylesXml.matchAll(/<w:style\b[^>]*\bw:styleId="([^"]+)"/g)].map((match) => match[1] as string));
}

export function stylesOptions(referenceStyles: string | undefined): Pick<ConstructorParameters<typeof Document>[0], 'styles' | 'externalStyles'> {
  const custom = customParagraphStyles();
  if (referenceStyles !== undefined) {
    // As pandoc does: the reference document's styles win; ours only fill in the ids it lacks.
    // Our fill-ins take their fonts from the reference document's Normal, not from our defaults.
    const defined = definedStyleIds(referenceStyles);
    const fillIns = custom
      .filter((style) => !defined.has(style.id))
      .map((style) => (style.run ? { ...style, run: { ...style.run, font: undefined } } : style));
    return { externalStyles: referenceStyles, styles: { paragraphStyles: fillIns } };
  }
  return {
    styles: {
      default: {
        document: {
          run: { font: FONTS.body, size: 24, language: LANGUAGE },
          // 1.5 lines, a two-character first-line indent: the usual Chinese business document body.
          paragraph: { spacing: { line: 360, before: 0, after: 0 }, indent: { firstLine: 480 } },
        },
        title: {
          run: { size: 44, bold: true, color: '000000', font: FONTS.heading },
          paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 0, after: 240, line: 360 }, indent: { firstLine: 0 } },
        },
        heading1: headingStyle(32, 360, 180),
        heading2: headingStyle(28, 240, 120),
        heading3: headingStyle(24, 180, 60),
        heading4: headingStyle(24, 120, 60),
        listParagraph: { paragraph: { indent: { firstLine: 0 } } },
      },
      paragraphStyles: [
        {
          id: 'Subtitle',
          name: 'Subtitle',
          basedOn: 'Normal',
          next: 'Normal',
          quickFormat: true,
          run: { size: 32, font: FONTS.heading, color: '000000' },
          paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 0, after: 480, line: 360 }, indent: { firstLine: 0 } },
        },
        ...custom,
      ],
    },
  };
}

export function numbering(): ConstructorParameters<typeof Document>[0]['numbering'] {
  const levels = Array.from({ length: 9 }, (_, level) => level);
  return {
    config: [
      {
        reference: BULLET_REFERENCE,
        levels: levels.map((level) => ({
          level,
          format: LevelFormat.BULLET,
          text: level % 2 === 0 ? '•' : '◦',
          alignment: AlignmentType.LEFT,
          style: { paragraph: { indent: { left: 420 * (level + 1), hanging: 300 } } },
        })),
      },
      {
        reference: ORDERED_REFERENCE,
        levels: levels.map((level) => ({
          level,
          format: level % 3 === 2 ? LevelFormat.LOWER_LETTER : LevelFormat.DECIMAL,
          text: level % 3 === 0 ? `%${level + 1}.` : level % 3 === 1 ? `(%${level + 1})` : `%${level + 1})`,
          alignment: AlignmentType.LEFT,
          style: { paragraph: { indent: { left: 420 * (level + 1), hanging: 420 } } },
        })),
      },
    ],
  };
}

/**
 * Word saves a style's id in the language it runs in: a Chinese Word calls "heading 1" 1, "Title"
 * a3. Documents refer to styles by our ids (Heading1, Title...), so, as pandoc does, the reference
 * document's styles are matched by name: a style whose name, without spaces and case, is one of
 * our ids takes that id, and the styles based on it, following it or linked to it follow.
 */
export function styleIdsByName(stylesXml: string): string {
  const ids = new Set([...stylesXml.matchAll(/<w:style\b[^>]*\bw:styleId="([^"]+)"/g)].map((match) => match[1] as string));
  const renamed = new Map<string, string>();
  for (const match of stylesXml.matchAll(/<w:style\b[^>]*\bw:styleId="([^"]+)"[^>]*>(?:(?!<\/w:style>)[\s\S])*?<w:name w:val="([^"]+)"/g)) {
    const [, id, name] = match as unknown as [string, string, string];
    const wanted = OUR_STYLE_IDS.get(name.replace(/\s+/g, '').toLowerCase());
    if (wanted === undefined || wanted === id || ids.has(wanted) || renamed.has(id)) continue;
    renamed.set(id, wanted);
    ids.add(wanted);
  }
  if (renamed.size === 0) return stylesXml;
  return stylesXml
    .replace(/(<w:style\b[^>]*\bw:styleId=")([^"]+)"/g, (whole, start: string, id: string) => (renamed.has(id) ? `${start}${renamed.get(id)}"` : whole))
    .replace(/(<w:(?:basedOn|next|link) w:val=")([^"]+)"/g, (whole, start: string, id: string) => (renamed.has(id) ? `${start}${renamed.get(id)}"` : whole));
}

/** The style ids our documents use, by their name without spaces, lower case (Word's built-in names and ours). */
const OUR_STYLE_IDS = new Map(
  ['Normal', 'Title', 'Subtitle', 'Heading1', 'Heading2', 'Heading3', 'Heading4', 'Heading5', 'Heading6', 'ListParagraph', 'Header', 'Footer', 'TableText', 'TableHeading', 'TableGap', 'CoverTitle', 'CoverInfo', 'Signature', 'Note', 'NoIndent', 'Right', 'Center'].map((id) => [id.toLowerCase(), id]),
);

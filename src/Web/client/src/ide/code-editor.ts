// A CodeMirror 6 view bound to a document session's Y.Text (y-codemirror.next: sync, remote cursors, undo).
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, foldGutter, foldKeymap, indentOnInput } from "@codemirror/language";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import {
  EditorView, crosshairCursor, drawSelection, dropCursor, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, keymap, lineNumbers, rectangularSelection,
} from "@codemirror/view";
import * as Y from "yjs";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import type { DocumentSession } from "../collab/document-session";
import { commentsExtension } from "./comments-gutter";
import { editorHighlighting, editorTheme } from "./editor-theme";
import { languageOf } from "./languages";

export interface CursorInfo {
  line: number;
  column: number;
  selected: number;
}

export class CodeEditor {
  readonly view: EditorView;
  readonly language: string;
  private readonly readOnly = new Compartment();

  constructor(parent: HTMLElement, readonly session: DocumentSession, onCursor: (cursor: CursorInfo) => void, onCommentClick: (id: string) => void) {
    const language = languageOf(session.path);
    this.language = language.label;
    const undoManager = new Y.UndoManager(session.text);
    const extensions: Extension[] = [
      keymap.of([...yUndoManagerKeymap, ...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...foldKeymap, ...completionKeymap, indentWithTab]),
      lineNumbers(),
      highlightActiveLineGutter(),
      foldGutter(),
      highlightSpecialChars(),
      drawSelection(),
      dropCursor(),
      EditorState.allowMultipleSelections.of(true),
      indentOnInput(),
      editorHighlighting,
      bracketMatching(),
      closeBrackets(),
      autocompletion(),
      rectangularSelection(),
      crosshairCursor(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      editorTheme,
      this.readOnly.of(EditorState.readOnly.of(session.readOnly.value.readOnly)),
      language.extension ?? [],
      yCollab(session.text, session.awareness, { undoManager }),
      commentsExtension(onCommentClick),
      EditorView.updateListener.of((update) => {
        if (!update.selectionSet && !update.docChanged && !update.focusChanged) return;
        const head = update.state.selection.main.head;
        const line = update.state.doc.lineAt(head);
        const selected = update.state.selection.ranges.reduce((n, r) => n + (r.to - r.from), 0);
        onCursor({ line: line.number, column: head - line.from + 1, selected });
      }),
    ];
    this.view = new EditorView({ parent, state: EditorState.create({ doc: session.text.toString(), extensions }) });
    session.readOnly.subscribe(({ readOnly }) =>
      this.view.dispatch({ effects: this.readOnly.reconfigure(EditorState.readOnly.of(readOnly)) }));
  }

  focus(): void {
    this.view.focus();
  }

  destroy(): void {
    this.view.destroy();
  }
}

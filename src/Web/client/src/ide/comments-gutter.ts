// Comments inside the editor: a gutter marker on each commented line and a soft highlight on the anchored range.
// Positions come from Yjs relative positions when comments change, then follow edits through CodeMirror's mapping.
import { RangeSet, StateEffect, StateField, type Extension } from "@codemirror/state";
import { Decoration, EditorView, GutterMarker, gutter, type DecorationSet } from "@codemirror/view";

export interface PlacedComment {
  id: string;
  from: number;
  to: number;
  text: string;
}

export const setComments = StateEffect.define<PlacedComment[]>();

const commentMark = Decoration.mark({ class: "cm-comment-range" });

class CommentMarker extends GutterMarker {
  constructor(readonly ids: string[], readonly title: string) {
    super();
  }
  override eq(other: CommentMarker): boolean {
    return other.ids.join() === this.ids.join();
  }
  override toDOM(): Node {
    const el = document.createElement("div");
    el.className = "cm-comment-marker";
    el.title = this.title;
    el.textContent = this.ids.length > 1 ? String(this.ids.length) : "";
    el.dataset.commentId = this.ids[0]!;
    return el;
  }
}

interface CommentState {
  comments: PlacedComment[];
  marks: DecorationSet;
}

const commentField = StateField.define<CommentState>({
  create: () => ({ comments: [], marks: Decoration.none }),
  update(value, tr) {
    for (const effect of tr.effects) {
      if (effect.is(setComments)) {
        const length = tr.state.doc.length;
        const comments = effect.value
          .map((c) => ({ ...c, from: Math.min(c.from, length), to: Math.min(Math.max(c.to, c.from), length) }))
          .sort((a, b) => a.from - b.from);
        return { comments, marks: Decoration.set(comments.filter((c) => c.to > c.from).map((c) => commentMark.range(c.from, c.to)), true) };
      }
    }
    if (!tr.docChanged) return value;
    return {
      comments: value.comments.map((c) => ({ ...c, from: tr.changes.mapPos(c.from, 1), to: tr.changes.mapPos(c.to, -1) })),
      marks: value.marks.map(tr.changes),
    };
  },
  provide: (field) => EditorView.decorations.from(field, (v) => v.marks),
});

export function commentsExtension(onClick: (id: string) => void): Extension {
  return [
    commentField,
    gutter({
      class: "cm-comment-gutter",
      markers(view) {
        const byLine = new Map<number, PlacedComment[]>();
        for (const c of view.state.field(commentField).comments) {
          const line = view.state.doc.lineAt(c.from).from;
          byLine.set(line, [...(byLine.get(line) ?? []), c]);
        }
        const ranges = [...byLine.entries()].sort((a, b) => a[0] - b[0])
          .map(([pos, list]) => new CommentMarker(list.map((c) => c.id), list.map((c) => c.text).join("\n—\n")).range(pos));
        return RangeSet.of(ranges);
      },
      domEventHandlers: {
        mousedown(_view, _line, event) {
          const id = (event.target as HTMLElement).closest<HTMLElement>(".cm-comment-marker")?.dataset.commentId;
          if (!id) return false;
          onClick(id);
          return true;
        },
      },
    }),
  ];
}

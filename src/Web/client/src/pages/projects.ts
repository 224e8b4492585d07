// The project list: open one, or create one from a template.
import type { ProjectTemplate, ProjectView } from "../api-types";
import type { AppContext, Page } from "../app-context";
import { messageOf } from "../api/errors";
import { hrefFor, navigate } from "../router";
import { h, icon } from "../ui/dom";
import { renderTopBar } from "./top-bar";

const TEMPLATES: { id: ProjectTemplate; title: string; text: string }[] = [
  { id: "react", title: "React", text: "Vite + React + TypeScript starter" },
  { id: "blank", title: "Blank", text: "An empty workspace" },
];

export function renderProjects(ctx: AppContext): Page {
  const list = h("div.project-grid", { "aria-busy": "true" }, h("div.muted", null, "Loading projects…"));
  const status = h("div.form-error");
  let template: ProjectTemplate = "react";
  const name = h("input.input", { placeholder: "Project name", maxlength: 80, spellcheck: false });
  const templateButtons = TEMPLATES.map((t) =>
    h("button.template", { type: "button", dataset: { template: t.id }, onclick: () => select(t.id) },
      h("strong", null, t.title), h("span.muted", null, t.text)));
  const select = (id: ProjectTemplate): void => {
    template = id;
    for (const b of templateButtons) b.classList.toggle("selected", b.dataset.template === id);
  };
  select(template);

  const createButton = h("button.button.primary", { type: "submit" }, icon("plus"), "Create project");
  const create = async (e: Event): Promise<void> => {
    e.preventDefault();
    status.textContent = "";
    if (!name.value.trim()) { status.textContent = "Give the project a name."; name.focus(); return; }
    createButton.disabled = true;
    try {
      const project = await ctx.api.createProject({ name: name.value.trim(), template });
      navigate({ name: "ide", projectId: project.id, path: null });
    } catch (err) {
      status.textContent = messageOf(err);
    } finally {
      createButton.disabled = false;
    }
  };

  const load = async (): Promise<void> => {
    try {
      const projects = await ctx.api.listProjects();
      list.replaceChildren(...(projects.length ? projects.map(card) : [h("div.empty", null, "No projects yet — create your first one.")]));
    } catch (err) {
      list.replaceChildren(h("div.form-error", null, messageOf(err)));
    } finally {
      list.removeAttribute("aria-busy");
    }
  };
  void load();

  const element = h("div.page", null,
    renderTopBar(ctx),
    h("main.projects", null,
      h("section.panel.create", null,
        h("h2", null, "New project"),
        h("form.stack", { onsubmit: (e: Event) => void create(e) },
          name,
          h("div.templates", null, templateButtons),
          createButton,
          status)),
      h("section.project-list", null, h("h2", null, "Your projects"), list)));
  return { element, dispose: () => undefined };
}

function card(project: ProjectView): HTMLElement {
  const created = new Date(project.createdAt);
  return h("a.project-card", { href: hrefFor({ name: "ide", projectId: project.id, path: null }), dataset: { projectId: project.id } },
    h("div.project-card-head", null,
      h("span.project-icon", null, project.name.slice(0, 1).toUpperCase()),
      h("strong", null, project.name),
      project.archived ? h("span.badge", null, "archived") : null),
    h("div.muted.small", null, `${project.template} · ${project.role} · ${project.members.length} member${project.members.length === 1 ? "" : "s"}`),
    h("div.muted.small", null, `Created ${created.toLocaleDateString()} ${created.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`));
}

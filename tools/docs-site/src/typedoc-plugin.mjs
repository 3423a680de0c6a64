// A typedoc plugin (loaded by docs/typedoc.json): links each API page back to
// the guides that use it. render-notebooks.ts writes, in each guide's front
// matter, `uses: [names]` (what the notebook imports from "pglite-lab" and
// links to in its "See also" cell); here, every API page whose symbol a guide
// uses gets a "Used in guides" list after its description.
// Typedoc has no built-in reverse link from a symbol to documents (`@document`
// would move the guide under one symbol), so this uses the renderer's
// documented `comment.afterTags` hook.
import { JSX, ReflectionKind, RendererEvent } from "typedoc";

/** @param {import("typedoc").Application} app */
export function load(app) {
  /** @type {Map<string, import("typedoc").DocumentReflection[]>} */
  let usedIn = new Map();
  /** Pages that already have their list (a function page renders one comment per signature). */
  const done = new WeakSet();

  app.renderer.on(RendererEvent.BEGIN, (event) => {
    usedIn = new Map();
    for (const reflection of event.project.getReflectionsByKind(ReflectionKind.Document)) {
      const uses = reflection.frontmatter?.["uses"];
      if (!Array.isArray(uses)) continue;
      for (const name of uses) {
        if (typeof name !== "string") continue;
        const list = usedIn.get(name) ?? [];
        list.push(reflection);
        usedIn.set(name, list);
      }
    }
  });

  app.renderer.hooks.on("comment.afterTags", (context, _comment, reflection) => {
    const model = context.page.model;
    const own = reflection === model || (reflection.kindOf(ReflectionKind.SomeSignature) && reflection.parent === model);
    if (!own || done.has(context.page) || !model.parent?.kindOf(ReflectionKind.SomeModule | ReflectionKind.Project)) return JSX.createElement(JSX.Fragment, null);
    const guides = usedIn.get(model.name);
    if (!guides || guides.length === 0) return JSX.createElement(JSX.Fragment, null);
    done.add(context.page);
    return JSX.createElement(
      "div",
      { class: "tsd-comment tsd-typography pglite-lab-used-in" },
      JSX.createElement("h4", null, "Used in guides"),
      JSX.createElement(
        "ul",
        null,
        ...guides.map((guide) => JSX.createElement("li", null, JSX.createElement("a", { href: context.urlTo(guide) }, guide.name))),
      ),
    );
  });
}

"""An import-linter contract import-linter does not have: a domain reaches another only
through that domain's public modules (ARCHITECTURE.md, Layers).

Its built-in contracts name the modules to protect; this one names the few that are public,
so a new private module (a domain's ``rules.py``, ``views.py``, ``home.py``) is covered the day
it is written, and a new domain the day its package appears. Configured in ``.importlinter``.
"""

from __future__ import annotations

from dataclasses import dataclass

import grimp
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


@dataclass(frozen=True)
class Reach:
    importer: str
    imported: str
    line_numbers: tuple[int, ...]


class PublicModulesContract(Contract):
    """Every direct import from one domain (a subpackage of ``container``) into another is of
    the other domain's package itself or of one of ``public`` (and what lies inside them).

    Options:
        - container:       the package whose subpackages are the domains (``wfld``).
        - public:          module names, relative to a domain, that others may import.
        - shared:          further modules others may import, by full name (the seams that
                           are neither queries nor services: say why beside each one).
        - open_domains:    domains whose every module is public (``core``: plumbing).
        - exempt:          importers that see everything (the app factory, the CLI, the model
                           registry), as module expressions; their descendants too.
        - ignore_imports:  imports allowed all the same (say why beside each one).
    """

    type_name = "public_modules"

    container = fields.StringField()
    public = fields.SetField(subfield=fields.StringField())
    shared = fields.SetField(subfield=fields.StringField(), required=False)
    open_domains = fields.SetField(subfield=fields.StringField(), required=False)
    exempt = fields.SetField(subfield=fields.ModuleExpressionField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(
        contract_utils.AlertLevel, default=contract_utils.AlertLevel.ERROR
    )

    def _domain(self, module: str) -> str | None:
        """The domain a module belongs to; None for the container itself and outside it."""
        parts = module.split(".")
        if parts[0] != self.container or len(parts) < 2:
            return None
        return parts[1]

    def _is_public(self, module: str) -> bool:
        parts = module.split(".")
        # The domain's package (its __init__) or a public module, and what lies inside them.
        return (
            len(parts) == 2
            or parts[2] in self.public
            or parts[1] in (self.open_domains or ())
            or ".".join(parts[:3]) in (self.shared or ())
        )

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        exempt: set[str] = set()
        for expression in self.exempt or ():
            for module in (
                graph.find_matching_modules(expression.expression)
                if expression.has_wildcard_expression()
                else {expression.expression} & graph.modules
            ):
                exempt |= {module, *graph.find_descendants(module)}

        reaches = []
        for importer in sorted(graph.modules - exempt):
            domain = self._domain(importer)
            if domain is None:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                other = self._domain(imported)
                if other is None or other == domain or self._is_public(imported):
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                reaches.append(Reach(importer, imported, tuple(d["line_number"] for d in details)))
        return ContractCheck(
            kept=not reaches,
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
            metadata={"reaches": reaches},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Imports of another domain's private modules:", bold=False)
        output.new_line()
        for reach in check.metadata["reaches"]:
            lines = ", ".join(map(str, reach.line_numbers))
            output.print_error(f"- {reach.importer} -> {reach.imported} (l.{lines})", bold=False)
        output.new_line()
        public = ", ".join(sorted(self.public))
        output.print(
            f"Use the domain's public modules ({public}): move what is needed into one of them."
        )
        output.new_line()

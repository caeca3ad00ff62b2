"""docgen's one read layer over Word packages (first step: the XML names).

The PDF engine (:mod:`docgen.pdf.docx_reader`), the template check (:mod:`docgen.templatecheck`)
and ``docgen check`` (:mod:`docgen.check.read`) each read the package; this layer is where what
they share moves, in the order of the structural review (shared/design/structure.md, step 4):
the namespaces (:mod:`docgen.docx.ns`, done), then units, the Word-location walker
(paragraph N, table T row R cell C) and effective formatting (today ``pdf/styles.py``).
Nothing here knows a meeting, a template or a PDF.

Note: ``import docx`` anywhere in docgen is still python-docx (imports are absolute).
"""

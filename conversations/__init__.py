"""Channel-neutral conversations: the flows (``flows``), the application services they issue
commands to (``services``), and the engine between them.

Importing it installs the message catalogs (``i18n``) as ``domain.text``'s translator, so a
``Text`` a service or the domain made is shown in its reader's language.
"""

import i18n  # noqa: F401 - installs the catalogs

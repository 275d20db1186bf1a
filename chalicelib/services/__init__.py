"""Service modules, one file each; the registry imports a module only when a call names it."""

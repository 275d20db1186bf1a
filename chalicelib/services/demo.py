"""demo: every declaration option of a service module, in the plain form DESIGN section 1 shows."""

from chalicelib.errors import ApiError


class Service:
    api = {
        # DESIGN's own example: external, administrators only, rendered with JSON_FORCE_OBJECT,
        # implemented by a method of another name.
        "get_user_id": {
            "type": "external",
            "access": ["administrator"],
            "format": "json_object",
            "method": "get_user_id_plus",
        },
        # Open to everyone, PHP json_encode output.
        "hello": {"type": "external", "format": "json"},
        # No format: a str goes out as text/plain, verbatim.
        "echo": {"type": "external"},
        # Any logged-in user.
        "whoami": {"type": "external", "access": ["authenticated"], "format": "json"},
        # Only callers without credentials (the implicit role `anonymous`).
        "guest_only": {"type": "external", "access": ["anonymous"], "format": "json"},
        # External, and it calls an internal method in-process as the same user.
        "stats": {"type": "external", "format": "json_object"},
        # Internal: other code of the system may call it, HTTP callers never see it.
        "count_words": {"type": "internal"},
        # A method that refuses with its own status and code.
        "check_age": {"type": "external", "format": "json"},
        # Headers and cookies added to the HTTP answer.
        "greet_with_cookie": {"type": "external", "format": "json"},
    }

    def get_api(self):
        return self.api

    def get_user_id_plus(self, data, ctx):
        return {"id": 7, "roles": ctx.user.roles}

    def hello(self, data, ctx):
        name = data if isinstance(data, str) and data else "world"
        return {"greeting": f"Hello, {name}!", "links": ["https://example.com/docs"], "pi": 3.0}

    def echo(self, data, ctx):
        return data

    def whoami(self, data, ctx):
        return {"username": ctx.user.username, "roles": list(ctx.user.roles)}

    def guest_only(self, data, ctx):
        return {"welcome": "guest"}

    def stats(self, data, ctx):
        text = data if isinstance(data, str) else ""
        return {"words": ctx.call("demo", "count_words", text), "sizes": [len(w) for w in text.split()]}

    def count_words(self, data, ctx):
        return len(str(data or "").split())

    def check_age(self, data, ctx):
        age = data.get("age") if isinstance(data, dict) else None
        if isinstance(age, str) and age.isascii() and age.isdigit() and len(age) <= 3:
            age = int(age)
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 200:
            raise ApiError(422, "invalid_input", "age must be a number from 0 to 200")
        return {"age": age, "adult": age >= 18}

    def greet_with_cookie(self, data, ctx):
        ctx.response_headers["X-Greeting"] = "hello"
        ctx.set_cookie("greeted", "yes", max_age=3600, path="/", httponly=True, samesite="Lax")
        return {"greeted": True}

    def remember(self, data, ctx):
        """Public but undeclared: internal with every default, callable only in-process."""
        return {"remembered": data}

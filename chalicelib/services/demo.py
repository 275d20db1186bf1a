"""demo: every declaration option of a service module, in the plain form DESIGN section 1 shows."""

from chalicelib.errors import ApiError

# `returns` schemas describe what an HTTP caller receives; the module's tests check them.
USER = {
    "type": "object",
    "required": ["username", "roles"],
    "properties": {"username": {"type": "string"}, "roles": {"type": "array", "items": {"type": "string"}}},
}


class Service:
    api = {
        # DESIGN's own example: external, administrators only, rendered with JSON_FORCE_OBJECT,
        # implemented by a method of another name.
        "get_user_id": {
            "type": "external",
            "access": ["administrator"],
            "format": "json_object",
            "method": "get_user_id_plus",
            # What the caller receives: json_object makes the list of roles an object.
            "returns": {
                "type": "object",
                "required": ["id", "roles"],
                "properties": {
                    "id": {"type": "integer"},
                    "roles": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
        },
        # Open to everyone, PHP json_encode output.
        "hello": {
            "type": "external",
            "format": "json",
            "returns": {
                "type": "object",
                "required": ["greeting", "links", "pi"],
                "properties": {
                    "greeting": {"type": "string"},
                    "links": {"type": "array", "items": {"type": "string"}},
                    "pi": {"type": "number"},
                },
            },
        },
        # No format: a str goes out as text/plain, verbatim.
        "echo": {"type": "external"},
        # Any logged-in user.
        "whoami": {"type": "external", "access": ["authenticated"], "format": "json", "returns": USER},
        # Only callers without credentials (the implicit role `anonymous`).
        "guest_only": {
            "type": "external",
            "access": ["anonymous"],
            "format": "json",
            "returns": {
                "type": "object",
                "required": ["welcome"],
                "properties": {"welcome": {"const": "guest"}},
            },
        },
        # External, and it calls an internal method in-process as the same user.
        "stats": {
            "type": "external",
            "format": "json_object",
            "returns": {
                "type": "object",
                "required": ["words", "sizes"],
                "properties": {
                    "words": {"type": "integer", "minimum": 0},
                    "sizes": {"type": "object", "additionalProperties": {"type": "integer"}},
                },
            },
        },
        # Internal: other code of the system may call it, HTTP callers never see it.
        "count_words": {"type": "internal"},
        # A method that refuses with its own status and code (notes shows a schema doing this instead).
        "check_age": {
            "type": "external",
            "format": "json",
            "returns": {
                "type": "object",
                "required": ["age", "adult"],
                "properties": {
                    "age": {"type": "integer", "minimum": 0, "maximum": 200},
                    "adult": {"type": "boolean"},
                },
            },
        },
        # Headers and cookies added to the HTTP answer.
        "greet_with_cookie": {
            "type": "external",
            "format": "json",
            "returns": {
                "type": "object",
                "required": ["greeted"],
                "properties": {"greeted": {"const": True}},
            },
        },
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

"""The MLP lab's own sentences: its hints and notes, laid over the engine's catalogue."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "note.model_built_by_grader": "{where}: the model had no input shape; the grader built it with input_dim={input_dim}. Add keras.Input(shape=(input_dim,)) to build it yourself.",
        "hint.q5.check_validation_fraction": "Pass validation_split=0.3 (and the given epochs and batch_size) to model.fit.",
        "hint.q12.check_saved_epochs": "Keras 3's ModelCheckpoint has no `period`: subclass it and call super().on_epoch_end only at epochs 2, 4, 6…, with save_best_only=True.",
        "hint.q13.check_stopped_after": "EarlyStopping(monitor='val_loss', patience=5).",
        "hint.q9.check_optimizers": "Vary the optimizer in the search grid, e.g. {'model__optimizer': ['rmsprop', 'sgd']} (scikeras) or model_kwargs (keras.wrappers).",
    },
    "fr": {
        "note.model_built_by_grader": "{where} : le modèle n'avait pas de dimension d'entrée ; le correcteur l'a construit avec input_dim={input_dim}. Ajoutez keras.Input(shape=(input_dim,)) pour le construire vous-même.",
        "hint.q5.check_validation_fraction": "Passez validation_split=0.3 (et les epochs et batch_size donnés) à model.fit.",
        "hint.q12.check_saved_epochs": "Le ModelCheckpoint de keras 3 n'a pas de `period` : sous-classez-le et n'appelez super().on_epoch_end qu'aux itérations 2, 4, 6…, avec save_best_only=True.",
        "hint.q13.check_stopped_after": "EarlyStopping(monitor='val_loss', patience=5).",
        "hint.q9.check_optimizers": "Faites varier l'optimiseur dans la grille, par ex. {'model__optimizer': ['rmsprop', 'sgd']} (scikeras) ou model_kwargs (keras.wrappers).",
    },
}

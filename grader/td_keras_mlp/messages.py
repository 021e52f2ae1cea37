"""The MLP lab's own sentences: its hints and notes, laid over the engine's catalogue."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {  # each key's English and French side by side
    "note.model_built_by_grader": {
        "en": "{where}: the model had no input shape; the grader built it with input_dim={input_dim}. Add keras.Input(shape=(input_dim,)) to build it yourself.",
        "fr": "{where} : le modèle n'avait pas de dimension d'entrée ; le correcteur l'a construit avec input_dim={input_dim}. Ajoutez keras.Input(shape=(input_dim,)) pour le construire vous-même.",
    },
    "hint.q5.check_validation_fraction": {
        "en": "Keras can hold out the end of the training data for validation itself: see the validation arguments of Model.fit on keras's training API page, and section 3 of the lab sheet.",
        "fr": "Keras sait réserver la fin des données d'apprentissage pour la validation : voyez les arguments de validation de Model.fit sur la page de l'API d'apprentissage de keras, et la partie 3 de l'énoncé.",
    },
    "hint.q12.check_saved_epochs": {
        "en": "Keras 3's ModelCheckpoint cannot save only every other epoch: write a callback (or subclass ModelCheckpoint) whose on_epoch_end decides when to save; see keras's guide to writing your own callbacks, and section 6 of the lab sheet.",
        "fr": "Le ModelCheckpoint de keras 3 ne sait pas sauvegarder une itération sur deux : écrivez un callback (ou une sous-classe de ModelCheckpoint) dont on_epoch_end décide quand sauvegarder ; voyez le guide keras pour écrire ses propres callbacks, et la partie 6 de l'énoncé.",
    },
    "hint.q13.check_stopped_after": {
        "en": "Keras has a callback that stops training when a monitored quantity stops improving: see its page (which quantity it watches, how many epochs it waits), and section 6 of the lab sheet.",
        "fr": "Keras a un callback qui arrête l'apprentissage quand une quantité surveillée ne s'améliore plus : voyez sa page (quelle quantité il surveille, combien d'itérations il attend), et la partie 6 de l'énoncé.",
    },
    "hint.q9.check_optimizers": {
        "en": "The search's grid must give the candidates different optimizers: see how your wrapper passes parameters to the model it builds (scikeras's routed parameters, or model_kwargs for keras.wrappers), and section 5 of the lab sheet.",
        "fr": "La grille de la recherche doit donner des optimiseurs différents aux candidats : voyez comment votre enveloppe passe des paramètres au modèle qu'elle construit (paramètres routés de scikeras, ou model_kwargs pour keras.wrappers), et la partie 5 de l'énoncé.",
    },
}

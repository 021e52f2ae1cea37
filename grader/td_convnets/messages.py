"""The convolutional-networks lab's own sentences: its hints, notes and named forms."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # the engine says "the base model"; this lab names its argument
        "what.base": "base_model",
        "what.added_layers": "layers added after base_model",
        "what.base_trainable": "trainable parameters of base_model",
        "what.base_changed": "parameters of base_model changed",
        "value.base_unused": "base_model is not used by the returned model",
        "note.model_built_by_grader": "{where}: the model had no input shape; the grader built it with input_shape={input_shape}. Add keras.Input(shape=input_shape) to build it yourself.",
        "value.form.preprocess_input": "keras.applications.resnet50.preprocess_input",
        "value.form.divided_by_255": "pixels divided by 255 (not ResNet50's preprocessing)",
        "value.form.raw_pixels": "raw pixels (no preprocessing)",
        "value.form.rgb_minus_mean": "RGB minus the mean, without ResNet's swap to BGR",
        "value.form.bgr_without_mean": "BGR without ResNet's mean subtraction",
        "value.form.scaled_to_minus1_1": "pixels scaled to [-1, 1] (not ResNet50's preprocessing)",
        "hint.q5.check_array_form": "keras.applications.resnet50.preprocess_input(batch) on the float32 pixels (0–255): it swaps RGB to BGR and subtracts ImageNet's mean.",
        "hint.q1.check_one_hot": "keras.utils.to_categorical(y, 10).astype('float32').",
        "hint.q6.check_base_trainable": "base_model.trainable = False before compiling freezes every layer of the base; do not set its layers' flags back to True.",
        "hint.q6.check_base_changes": "base_model.trainable = False before compiling freezes every layer of the base; do not set its layers' flags back to True.",
        "hint.q7.check_base_trainable": "base_model.trainable = True, then compile again.",
        "hint.q7.check_optimizer": "model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), …).",
    },
    "fr": {
        "what.base": "base_model",
        "what.added_layers": "couches ajoutées après base_model",
        "what.base_trainable": "paramètres entraînables de base_model",
        "what.base_changed": "paramètres de base_model modifiés",
        "value.base_unused": "base_model n'est pas utilisé par le modèle renvoyé",
        "note.model_built_by_grader": "{where} : le modèle n'avait pas de forme d'entrée ; le correcteur l'a construit avec input_shape={input_shape}. Ajoutez keras.Input(shape=input_shape) pour le construire vous-même.",
        "value.form.preprocess_input": "keras.applications.resnet50.preprocess_input",
        "value.form.divided_by_255": "pixels divisés par 255 (pas le prétraitement de ResNet50)",
        "value.form.raw_pixels": "pixels bruts (sans prétraitement)",
        "value.form.rgb_minus_mean": "RGB moins la moyenne, sans le passage en BGR de ResNet",
        "value.form.bgr_without_mean": "BGR sans la soustraction de la moyenne de ResNet",
        "value.form.scaled_to_minus1_1": "pixels ramenés à [-1, 1] (pas le prétraitement de ResNet50)",
        "hint.q5.check_array_form": "keras.applications.resnet50.preprocess_input(batch) sur les pixels float32 (0–255) : il passe de RGB à BGR et soustrait la moyenne d'ImageNet.",
        "hint.q1.check_one_hot": "keras.utils.to_categorical(y, 10).astype('float32').",
        "hint.q6.check_base_trainable": "base_model.trainable = False avant de compiler gèle toutes les couches de la base ; ne remettez pas à True les drapeaux de ses couches.",
        "hint.q6.check_base_changes": "base_model.trainable = False avant de compiler gèle toutes les couches de la base ; ne remettez pas à True les drapeaux de ses couches.",
        "hint.q7.check_base_trainable": "base_model.trainable = True, puis compilez de nouveau.",
        "hint.q7.check_optimizer": "model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), …).",
    },
}
